namespace Drover.Cli.Commands;

/// <summary>
/// kubectl's ContinueOnError for verbs that take several objects: a failure on one is printed and the others
/// still run; the exit code says whether all succeeded.
/// </summary>
internal static class PerTarget
{
    public static async Task<int> RunAsync<T>(CliContext context, IReadOnlyList<T> targets, Func<T, Task> action)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(action);
        var exitCode = 0;
        foreach (var target in targets)
        {
            try
            {
                await action(target).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException && CliApplication.Describe(e) is { } message)
            {
                await context.Error.WriteLineAsync(message).ConfigureAwait(false);
                exitCode = 1;
            }
        }
        return exitCode;
    }
}
