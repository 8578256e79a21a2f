namespace Drover.ControlPlane.Controllers.CronJobs;

public sealed partial class CronJobController
{
    [LoggerMessage(EventId = 1822, Level = LogLevel.Debug, Message = "CronJob {Key} runs next at {Next}")]
    private static partial void LogNextRun(ILogger logger, string key, DateTimeOffset next);
}
