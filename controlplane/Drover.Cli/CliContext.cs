namespace Drover.Cli;

/// <summary>
/// Where a command reads and writes and what time it is. Injected so tests can capture output and pin the clock.
/// </summary>
internal sealed class CliContext(TextWriter output, TextWriter error, TextReader input, TimeProvider time)
{
    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;
    public TextReader In { get; } = input;
    public TimeProvider Time { get; } = time;

    public static CliContext FromConsole() => new(Console.Out, Console.Error, Console.In, TimeProvider.System);
}
