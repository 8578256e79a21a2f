namespace Drover.ControlPlane.Controllers.DaemonSets;

public sealed partial class DaemonSetController
{
    [LoggerMessage(EventId = 1810, Level = LogLevel.Warning, Message = "DaemonSet {Key} sync failed; retrying with backoff")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(EventId = 1811, Level = LogLevel.Debug, Message = "DaemonSet {Key} sync hit a conflict; retrying: {Reason}")]
    private static partial void LogSyncConflict(ILogger logger, string key, string reason);
}
