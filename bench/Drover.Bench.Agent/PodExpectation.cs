namespace Drover.Bench.Agent;

/// <summary>What <see cref="PodWatch"/> has seen droverd report about one pod, as Stopwatch timestamps.</summary>
internal sealed class PodExpectation
{
    public TaskCompletionSource<(long At, string Ip)> Ip { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource<long> Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
