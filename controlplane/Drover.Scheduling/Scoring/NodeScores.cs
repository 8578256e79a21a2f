namespace Drover.Scheduling;

/// <summary>Score arithmetic shared by the scorers, on Kubernetes' 0–100 scale.</summary>
public static class NodeScores
{
    /// <summary>Kubernetes MaxNodeScore.</summary>
    public const long Max = 100;

    /// <summary>
    /// Kubernetes DefaultNormalizeScore with reverse = true, in place: counts of something unwanted
    /// become scores, the node with the most getting 0 and a node with none getting <see cref="Max"/>.
    /// </summary>
    public static void FewerIsBetter(Span<long> counts)
    {
        long most = 0;
        foreach (var count in counts)
            most = Math.Max(most, count);
        FewerIsBetter(counts, most);
    }

    /// <summary>As <see cref="FewerIsBetter(Span{long})"/>, for a caller that found <paramref name="most"/> while counting.</summary>
    public static void FewerIsBetter(Span<long> counts, long most)
    {
        if (most == 0)
        {
            counts.Fill(Max);
            return;
        }
        if (most > SmallCount)
        {
            for (var i = 0; i < counts.Length; i++)
                counts[i] = Max - counts[i] * Max / most;
            return;
        }
        // Counts of replicas or taints are small: one division per distinct count, not one per node.
        Span<long> scoreOf = stackalloc long[SmallCount + 1];
        for (var count = 0; count <= most; count++)
            scoreOf[count] = Max - count * Max / most;
        for (var i = 0; i < counts.Length; i++)
            counts[i] = scoreOf[(int)counts[i]];
    }

    private const int SmallCount = 64;

    /// <summary>
    /// ⌊<paramref name="dividend"/> / <paramref name="divisor"/>⌋ for non-negative operands below 2^53,
    /// exactly as integer division, but through the pipelined floating-point divider: a correctly rounded
    /// quotient is at most one above the integer one (when it rounds up onto an integer), never below.
    /// </summary>
    internal static long Quotient(long dividend, long divisor)
    {
        var quotient = (long)((double)dividend / divisor);
        return quotient * divisor > dividend ? quotient - 1 : quotient;
    }
}
