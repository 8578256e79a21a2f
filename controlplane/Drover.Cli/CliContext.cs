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

    /// <summary>The console, with stdin read as strict UTF-8: `drover apply -f -` refuses a bad byte instead of applying U+FFFD.</summary>
    public static CliContext FromConsole() =>
        new(Console.Out, Console.Error, new StreamReader(Console.OpenStandardInput(), new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true)), TimeProvider.System);
}
