using Microsoft.Extensions.Logging;

namespace Drover.Agent.Pods;

internal sealed partial class PodManager
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Running the pods of node {Node}")]
    private partial void LogStarting(string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod manager of node {Node} stopped ({Tasks} workers ended); the pods keep running")]
    private partial void LogStopped(string node, int tasks);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listed {Count} pods at revision {ResourceVersion}")]
    private partial void LogListed(int count, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "The pod watch ended with an error ({Code}: {Message}); listing again")]
    private partial void LogWatchError(int code, string? message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listing or watching pods failed ({Error}); retrying in {Delay}")]
    private partial void LogWatchFailed(string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Worker for pod {Namespace}/{Pod} ({Uid}) started")]
    private partial void LogWorkerStarted(string @namespace, string? pod, string uid);

    [LoggerMessage(Level = LogLevel.Error, Message = "The worker of pod {Uid} crashed")]
    private partial void LogWorkerCrashed(Exception exception, string uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relisting CRI failed: {Error}")]
    private partial void LogRelistFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removing {Count} sandboxes of pod {Uid}, which is no longer bound to this node")]
    private partial void LogOrphan(string uid, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing the orphaned pod {Uid} failed: {Error}")]
    private partial void LogOrphanFailed(string uid, string error);
}
