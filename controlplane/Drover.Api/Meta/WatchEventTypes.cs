namespace Drover.Api;

/// <summary>The <c>type</c> of a watch event, as Kubernetes' watch protocol names them.</summary>
public static class WatchEventTypes
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string Error = "ERROR";
}
