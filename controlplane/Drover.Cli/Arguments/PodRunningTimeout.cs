using System.CommandLine;

namespace Drover.Cli.Arguments;

/// <summary>
/// kubectl's --pod-running-timeout of logs, exec and port-forward: how long TYPE/NAME waits for the object to select a
/// pod (a Go duration, more than zero, as kubectl's GetPodRunningTimeoutFlag requires).
/// </summary>
internal static class PodRunningTimeout
{
    public const string Name = "--pod-running-timeout";

    /// <param name="defaultValue">kubectl's default for the command: 20s for logs, 1m for exec and port-forward.</param>
    public static Option<string> Option(string defaultValue) => new(Name)
    {
        Description = "How long TYPE/NAME waits for the object to select a pod (e.g. 20s, 1m)",
        DefaultValueFactory = _ => defaultValue,
    };

    public static TimeSpan Parse(string? text)
    {
        var timeout = GoDuration.Parse(text, Name);
        return timeout > TimeSpan.Zero ? timeout : throw new CliException($"error: {Name} must be higher than zero");
    }
}
