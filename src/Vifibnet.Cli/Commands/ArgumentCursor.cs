using System.Globalization;

namespace Vifibnet.Cli.Commands;

/// <summary>Walks a command's arguments: options with their values, positionals, usage errors naming the option.</summary>
public sealed class ArgumentCursor(string[] args)
{
    int index;

    public bool More => index < args.Length;

    /// <summary>The next argument (an option name or a positional).</summary>
    public string Next() => args[index++];

    /// <summary>The value after <paramref name="option"/>; a usage error if it is missing.</summary>
    public string Value(string option) =>
        index < args.Length ? args[index++] : throw new UsageException($"{option} needs a value");

    public int IntValue(string option, int min, int max)
    {
        var text = Value(option);
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new UsageException($"{option} '{text}' is not a number in {min}..{max}");
    }

    public static int ParsePort(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new UsageException($"{what} '{text}' is not a port number (0..65535)");

    public static UsageException Unknown(string arg) =>
        new(arg.StartsWith('-') ? $"unknown option '{arg}'" : $"unexpected argument '{arg}'");

    public static T Required<T>(T? value, string option) where T : class =>
        value ?? throw new UsageException($"{option} is required");
}
