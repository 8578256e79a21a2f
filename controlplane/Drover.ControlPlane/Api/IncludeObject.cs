namespace Drover.ControlPlane.Api;

/// <summary>What each Table row carries besides its cells (the includeObject query parameter).</summary>
internal enum IncludeObject
{
    None,
    Metadata,
    Object,
}
