namespace Drover.ControlPlane.Controllers.Deployments;

public sealed partial class DeploymentController
{
    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Deployment {Key} has an unusable selector: {Reason}")]
    private static partial void LogInvalidSelector(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Deployment {Namespace}/{Name}: {Message}")]
    private static partial void LogScaled(ILogger logger, string @namespace, string name, string message);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Deployment {Key}: ReplicaSet name {Name} is taken by another template; retrying with a new collision count")]
    private static partial void LogHashCollision(ILogger logger, string key, string name);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "Deployment {Key}: deleted old ReplicaSet {Name} (revision {Revision}) beyond the revision history limit")]
    private static partial void LogHistoryCleaned(ILogger logger, string key, string name, long revision);
}
