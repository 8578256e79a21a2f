using System.Net;
using System.Net.Sockets;
using Drover.Agent.Cri;
using Drover.Agent.Probes;
using Drover.Api;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.Probes.Tests;

public sealed class ContainerProberTests : IDisposable
{
    private readonly CriClient _cri = new(new CriClientOptions { SocketPath = "/nonexistent/drover-test.sock" });
    private readonly ProbeRunner _runner;

    public ContainerProberTests() => _runner = new ProbeRunner(_cri);

    public void Dispose()
    {
        _runner.Dispose();
        _cri.Dispose();
    }

    private sealed class Listener : IProbeListener
    {
        public readonly TaskCompletionSource Changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Failures;

        public void OnProbeStateChanged(string containerId) => Changed.TrySetResult();

        public void OnProbeFailed(string containerId, string containerName, ProbeKind kind, string message, bool settled) => Interlocked.Increment(ref Failures);

        public void OnContainerUnhealthy(string containerId, string containerName, ProbeKind kind, string message) { }
    }

    [Fact]
    public async Task Readiness_FirstProbeLosesTheRaceWithListen_ReadyLongBeforeThePeriod()
    {
        // A port that refuses now and listens 300 ms later, as a container whose server is still starting.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var container = new Container
        {
            Name = "app",
            Image = "x",
            ReadinessProbe = new Probe { TcpSocket = new TcpSocketAction { Port = port }, PeriodSeconds = 30, FailureThreshold = 3 },
        };
        var listener = new Listener();
        var started = DateTimeOffset.UtcNow;
        await using var prober = new ContainerProber(_runner, new ProbeTarget("127.0.0.1", "c1", container), started, TimeProvider.System, listener, NullLogger.Instance);
        prober.Start();
        await Task.Delay(300);
        using var server = new TcpListener(IPAddress.Loopback, port);
        server.Start();

        await listener.Changed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(prober.Ready);
        Assert.True(listener.Failures >= 1, "the first probe should have failed");
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(10), "ready only after a long wait: the warm-up retries did not happen");
    }
}
