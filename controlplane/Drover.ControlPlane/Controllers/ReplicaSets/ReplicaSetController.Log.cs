namespace Drover.ControlPlane.Controllers.ReplicaSets;

public sealed partial class ReplicaSetController
{
    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "ReplicaSet {Key} has an unusable selector: {Reason}")]
    private static partial void LogInvalidSelector(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "ReplicaSet {Namespace}/{Name} adopted pod {Pod}")]
    private static partial void LogAdopted(ILogger logger, string @namespace, string name, string pod);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "ReplicaSet {Namespace}/{Name} released pod {Pod}: it no longer matches the selector")]
    private static partial void LogReleased(ILogger logger, string @namespace, string name, string pod);
}
