namespace Drover.ControlPlane.Controllers.Jobs;

public sealed partial class JobController
{
    [LoggerMessage(EventId = 1802, Level = LogLevel.Debug, Message = "Job {Key} waits out its pod failure backoff until {Until}")]
    private static partial void LogBackingOff(ILogger logger, string key, DateTimeOffset until);

    [LoggerMessage(EventId = 1803, Level = LogLevel.Information, Message = "Job {Namespace}/{Name} deleted: ttlSecondsAfterFinished has passed")]
    private static partial void LogExpired(ILogger logger, string @namespace, string name);
}
