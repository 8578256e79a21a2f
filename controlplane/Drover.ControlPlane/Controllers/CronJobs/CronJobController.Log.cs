namespace Drover.ControlPlane.Controllers.CronJobs;

public sealed partial class CronJobController
{
    [LoggerMessage(EventId = 1820, Level = LogLevel.Warning, Message = "CronJob {Key} sync failed; retrying with backoff")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(EventId = 1821, Level = LogLevel.Debug, Message = "CronJob {Key} sync hit a conflict; retrying: {Reason}")]
    private static partial void LogSyncConflict(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 1822, Level = LogLevel.Debug, Message = "CronJob {Key} runs next at {Next}")]
    private static partial void LogNextRun(ILogger logger, string key, DateTimeOffset next);
}
