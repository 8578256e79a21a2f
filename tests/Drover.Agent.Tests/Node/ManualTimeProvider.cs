namespace Drover.Agent.Node.Tests;

/// <summary>A clock the test moves by hand (for the pure calculators; timers are not needed there).</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
