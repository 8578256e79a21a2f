namespace Drover.ControlPlane.Controllers.Jobs;

public sealed partial class JobController
{
    [LoggerMessage(EventId = 1800, Level = LogLevel.Warning, Message = "Job {Key} sync failed; retrying with backoff")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(EventId = 1801, Level = LogLevel.Debug, Message = "Job {Key} sync hit a conflict; retrying: {Reason}")]
    private static partial void LogSyncConflict(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Debug, Message = "Job {Key} waits out its pod failure backoff until {Until}")]
    private static partial void LogBackingOff(ILogger logger, string key, DateTimeOffset until);

    [LoggerMessage(EventId = 1803, Level = LogLevel.Information, Message = "Job {Namespace}/{Name} deleted: ttlSecondsAfterFinished has passed")]
    private static partial void LogExpired(ILogger logger, string @namespace, string name);
}
