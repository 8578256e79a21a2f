namespace Drover.ControlPlane.Registry.Allocation;

/// <summary>
/// Reconciles one range's record with the offsets Services hold. A held offset missing from the record is marked
/// at once; an offset in the record that no Service holds is freed only after it has looked leaked in
/// <see cref="RunsBeforeFree"/> runs in a row, since a create between its allocation and its Service write looks
/// exactly like a leak for a moment (Kubernetes' repair controller waits the same way).
/// </summary>
internal sealed class LeakTracker
{
    public const int RunsBeforeFree = 3;

    private Dictionary<int, int> _suspects = [];

    /// <summary>
    /// Changes <paramref name="record"/>; (missing marked, leaks freed). The suspects' counts change only through
    /// <see cref="Commit"/> once the record is written (a lost compare-and-swap runs this again).
    /// </summary>
    public (int Marked, int Freed, Dictionary<int, int> Suspects) Reconcile(AllocationBitmap record, IReadOnlySet<int> held)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(held);
        var marked = 0;
        foreach (var offset in held)
            if (offset < record.Size && record.Set(offset))
                marked++;
        var freed = 0;
        var suspects = new Dictionary<int, int>();
        foreach (var offset in record.Offsets().ToList())
        {
            if (held.Contains(offset))
                continue;
            var runs = _suspects.GetValueOrDefault(offset) + 1;
            if (runs >= RunsBeforeFree)
            {
                record.Clear(offset);
                freed++;
            }
            else
            {
                suspects[offset] = runs;
            }
        }
        return (marked, freed, suspects);
    }

    public void Commit(Dictionary<int, int> suspects) => _suspects = suspects;
}
