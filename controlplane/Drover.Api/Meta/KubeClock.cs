namespace Drover.Api;

public static class KubeClock
{
    /// <summary>Now, truncated to whole seconds: metav1.Time's precision, so stored and served times agree.</summary>
    public static DateTimeOffset GetUtcNowSeconds(this TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }
}
