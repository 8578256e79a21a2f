using System.Net;
using System.Net.Sockets;
using Drover.Agent.Cri;
using Drover.Agent.Probes;
using Drover.Api;
using Drover.Testing;
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

        public int Unhealthy;

        public void OnContainerUnhealthy(string containerId, string containerName, ProbeKind kind, string message) => Interlocked.Increment(ref Unhealthy);
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

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [Fact]
    public async Task Readiness_ReportedReadyByAnEarlierAgent_StaysReadyUntilTheFailureThreshold()
    {
        // An agent restart: the container kept running and the API says it is ready; its probe now fails (closed port).
        var container = new Container
        {
            Name = "app",
            Image = "x",
            StartupProbe = new Probe { TcpSocket = new TcpSocketAction { Port = ClosedPort() }, PeriodSeconds = 1, FailureThreshold = 1 },
            ReadinessProbe = new Probe { TcpSocket = new TcpSocketAction { Port = ClosedPort() }, PeriodSeconds = 2, FailureThreshold = 3 },
        };
        var listener = new Listener();
        await using var prober = new ContainerProber(_runner, new ProbeTarget("127.0.0.1", "c1", container), DateTimeOffset.UtcNow.AddHours(-1), TimeProvider.System, listener,
            NullLogger.Instance, reported: (true, true));

        // Before any probe ran, and after the first failure: still started and ready (no flap out of its Services).
        Assert.True(prober.Started);
        Assert.True(prober.Ready);
        prober.Start();
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref listener.Failures)), failures => failures >= 1, TimeSpan.FromSeconds(30), "the first readiness failure");
        Assert.True(prober.Ready);
        Assert.False(listener.Changed.Task.IsCompleted);
        // The startup probe (failure threshold 1 on a closed port) did not run again: nothing called the container unhealthy.
        Assert.Equal(0, listener.Unhealthy);

        // The threshold reached: not ready, as the probe says.
        await listener.Changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(prober.Ready);
        Assert.True(prober.Started);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public async Task Readiness_ReportedNotReadyOrNotStarted_StartsNotReady(bool started, bool ready)
    {
        var container = new Container
        {
            Name = "app",
            Image = "x",
            StartupProbe = new Probe { TcpSocket = new TcpSocketAction { Port = ClosedPort() }, PeriodSeconds = 30 },
            ReadinessProbe = new Probe { TcpSocket = new TcpSocketAction { Port = ClosedPort() }, PeriodSeconds = 30 },
        };
        await using var prober = new ContainerProber(_runner, new ProbeTarget("127.0.0.1", "c1", container), DateTimeOffset.UtcNow, TimeProvider.System, new Listener(),
            NullLogger.Instance, reported: (started, ready));

        Assert.Equal(started, prober.Started);
        Assert.False(prober.Ready);
    }
}
