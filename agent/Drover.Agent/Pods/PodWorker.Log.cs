using Microsoft.Extensions.Logging;

namespace Drover.Agent.Pods;

internal sealed partial class PodWorker
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Syncing pod {Namespace}/{Pod} ({Uid}) failed; retrying")]
    private partial void LogSyncFailed(Exception exception, string @namespace, string? pod, string uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Namespace}/{Pod}: the container runtime does not answer ({Error}); the pod runs on, retrying")]
    private partial void LogRuntimeUnavailable(string @namespace, string? pod, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod} ({Uid}) stopped and removed: {Why}")]
    private partial void LogPodRemoved(string @namespace, string? pod, string uid, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod} ({Uid}) finished: {Phase}")]
    private partial void LogPodFinished(string @namespace, string? pod, string uid, string phase);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Namespace}/{Pod}: the final status was not written: {Error}")]
    private partial void LogFinalStatusFailed(string @namespace, string? pod, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod} ({Uid}) stopped for the node's shutdown: {Containers} running container(s) given {Grace}")]
    private partial void LogPodShutDown(string @namespace, string? pod, string uid, int containers, TimeSpan grace);
}
