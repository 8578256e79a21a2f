namespace Drover.Cli;

/// <summary>A user-facing failure: its message is printed as is (already "error: ..." shaped) and the exit code is 1.</summary>
internal sealed class CliException : Exception
{
    public CliException() { }
    public CliException(string message) : base(message) { }
    public CliException(string message, Exception innerException) : base(message, innerException) { }
}
