namespace Vifibnet.Protocol;

/// <summary>Wire spellings of <see cref="RegistryErrorCode"/>: snake_case, never renamed once published.</summary>
public static class RegistryErrorCodes
{
    public static string ToWire(this RegistryErrorCode code)
    {
        var name = code.ToString();
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }

    public static RegistryErrorCode? FromWire(string? wire) =>
        Enum.GetValues<RegistryErrorCode>().Select(c => (RegistryErrorCode?)c).FirstOrDefault(c => c!.Value.ToWire() == wire);
}
