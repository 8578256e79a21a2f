namespace Drover.ControlPlane.Registry;

/// <summary>
/// A page of a LIST: the matching objects in key order, the store revision the page was read at, and the opaque
/// token that continues after its last item (null on the last page).
/// </summary>
public sealed record ObjectListPage(IReadOnlyList<StoredObject> Items, long Revision, string? Continue);
