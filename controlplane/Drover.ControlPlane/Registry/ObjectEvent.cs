namespace Drover.ControlPlane.Registry;

/// <summary>
/// One change from a registry watch. <see cref="Current"/> is the new state, or for a deletion the last state (at
/// the deletion's revision); <see cref="Previous"/> is the state before a modification or deletion, when known.
/// </summary>
public readonly record struct ObjectEvent(ObjectEventType Type, StoredObject Current, StoredObject? Previous)
{
    public long Revision => Current.Revision;
}
