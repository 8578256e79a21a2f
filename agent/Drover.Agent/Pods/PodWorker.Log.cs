using Microsoft.Extensions.Logging;

namespace Drover.Agent.Pods;

internal sealed partial class PodWorker
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Syncing pod {Namespace}/{Pod} ({Uid}) failed; retrying")]
    private partial void LogSyncFailed(Exception exception, string @namespace, string? pod, string uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Namespace}/{Pod}: the container runtime does not answer ({Error}); the pod runs on, retrying")]
    private partial void LogRuntimeUnavailable(string @namespace, string? pod, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Namespace}/{Pod}: status not written, droverd is unreachable ({Error}); the next sync tries again")]
    private partial void LogStatusDeferred(string @namespace, string? pod, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod} ({Uid}) stopped and removed: {Why}")]
    private partial void LogPodRemoved(string @namespace, string? pod, string uid, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod} ({Uid}) finished: {Phase}")]
    private partial void LogPodFinished(string @namespace, string? pod, string uid, string phase);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod} ({Uid}) lost its sandbox; creating attempt {Attempt}")]
    private partial void LogSandboxRecreated(string @namespace, string? pod, string uid, uint attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Namespace}/{Pod} ({Uid}) sandbox {SandboxId} running")]
    private partial void LogSandboxStarted(string @namespace, string? pod, string uid, string sandboxId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod}: killing container {Container}: {Reason}")]
    private partial void LogContainerKilling(string @namespace, string? pod, string container, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Namespace}/{Pod}: container {Container} started ({ContainerId})")]
    private partial void LogContainerStarted(string @namespace, string? pod, string container, string containerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Namespace}/{Pod}: container {Container} did not start: {Error}")]
    private partial void LogContainerStartFailed(string @namespace, string? pod, string container, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Namespace}/{Pod}: pulling {Image} failed: {Error}")]
    private partial void LogImagePullFailed(string @namespace, string? pod, string image, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Namespace}/{Pod}: the final status was not written: {Error}")]
    private partial void LogFinalStatusFailed(string @namespace, string? pod, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Namespace}/{Pod}: the preStop hook of container {Container} failed: {Error}")]
    private partial void LogPreStopFailed(string @namespace, string? pod, string container, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod} ({Uid}) stopped for the node's shutdown: {Containers} running container(s) given {Grace}")]
    private partial void LogPodShutDown(string @namespace, string? pod, string uid, int containers, TimeSpan grace);
}
