namespace Drover.Agent.Pods;

/// <summary>
/// Ends the pod manager's back-off between failed pod lists early: raised by whoever learns first that droverd
/// answers again (the node's lease heartbeat), so the pods are listed at once. Made before both sides and handed to
/// each through its constructor.
/// </summary>
internal sealed class ListRetrySignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Raise()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Raised concurrently: one pending retry is enough.
            }
        }
    }

    /// <summary>Waits <paramref name="delay"/>, or less when <see cref="Raise"/> is called meanwhile (or was since the last wait).</summary>
    public async Task WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timer = Task.Delay(delay, time, wait.Token);
        var raised = _signal.WaitAsync(wait.Token);
        await Task.WhenAny(timer, raised).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }
}
