namespace Drover.Api.Client;

/// <summary>One line of a watch stream: ADDED, MODIFIED, DELETED, BOOKMARK (Object carries only the revision) or ERROR.</summary>
public sealed record WatchEvent(string Type, KubeObject? Object, Status? Error, string? ResourceVersion);
