namespace Vifibnet.Lab;

/// <summary>An <see cref="IProgress{T}"/> that calls its handler at once, on the reporting thread: reports stay in order (System.Progress posts them to the thread pool).</summary>
public sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
