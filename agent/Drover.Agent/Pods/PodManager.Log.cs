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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Worker for pod {Namespace}/{Pod} ({Uid}) started (from the checkpoint: {FromCheckpoint})")]
    private partial void LogWorkerStarted(string @namespace, string? pod, string uid, bool fromCheckpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "droverd cannot list this node's pods ({Why}); starting the {Count} checkpointed pods and retrying the list")]
    private partial void LogRestoring(int count, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listed the pods again after starting from the checkpoint: {Kept} bound here, {Gone} no longer")]
    private partial void LogReconciled(int kept, int gone);

    [LoggerMessage(Level = LogLevel.Error, Message = "The worker of pod {Uid} crashed")]
    private partial void LogWorkerCrashed(Exception exception, string uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relisting CRI failed ({Failures} in a row; backing off): {Error}")]
    private partial void LogRelistFailed(int failures, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "CRI answers again after {Failures} failed relists; syncing every pod")]
    private partial void LogRelistRecovered(int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removing {Count} sandboxes of pod {Uid}, which is no longer bound to this node")]
    private partial void LogOrphan(string uid, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing the orphaned pod {Uid} failed: {Error}")]
    private partial void LogOrphanFailed(string uid, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The node is shutting down: stopping {Pods} pod(s), all by {Deadline:O}")]
    private partial void LogShuttingDown(int pods, DateTimeOffset deadline);
}
