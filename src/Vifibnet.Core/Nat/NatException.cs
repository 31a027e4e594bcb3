namespace Vifibnet.Nat;

/// <summary>
/// A gateway could not be used: unreachable, a broken description URL, malformed XML, an answer
/// that makes no sense. The message names the URL and what was wrong.
/// </summary>
public class NatException : Exception
{
    public NatException(string message) : base(message) { }
    public NatException(string message, Exception? inner) : base(message, inner) { }
}
