using Microsoft.Extensions.Logging;

namespace Drover.Agent.Pods.Execution;

internal sealed partial class PodActionsExecutor
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod} ({Uid}): {Why}; creating sandbox attempt {Attempt}")]
    private partial void LogSandboxRecreated(string @namespace, string? pod, string uid, uint attempt, string why);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Namespace}/{Pod} ({Uid}) sandbox {SandboxId} running")]
    private partial void LogSandboxStarted(string @namespace, string? pod, string uid, string sandboxId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Namespace}/{Pod}: killing container {Container}: {Reason}")]
    private partial void LogContainerKilling(string @namespace, string? pod, string container, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Namespace}/{Pod}: container {Container} started ({ContainerId})")]
    private partial void LogContainerStarted(string @namespace, string? pod, string container, string containerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Namespace}/{Pod}: container {Container} did not start: {Error}")]
    private partial void LogContainerStartFailed(string @namespace, string? pod, string container, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Namespace}/{Pod}: the preStop hook of container {Container} failed: {Error}")]
    private partial void LogPreStopFailed(string @namespace, string? pod, string container, string error);
}
