namespace Drover.Cli.Apply;

internal enum ApplyOutcome
{
    Created,
    Configured,
    Unchanged,
}
