namespace Drover.Agent.Cri;

/// <summary>Where the CRI runtime listens and how long calls may take.</summary>
public sealed class CriClientOptions
{
    /// <summary>containerd's default socket; test nodes pass their private one.</summary>
    public const string DefaultSocketPath = "/run/containerd/containerd.sock";

    public string SocketPath { get; init; } = DefaultSocketPath;

    /// <summary>Deadline of ordinary calls (status, list, create, start, remove…).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of RunPodSandbox, which includes CNI set-up.</summary>
    public TimeSpan SandboxTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Deadline of PullImage; large images on slow uplinks take minutes.</summary>
    public TimeSpan PullTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Added to the runtime-side timeouts of StopContainer and ExecSync for the call's own deadline.</summary>
    public TimeSpan TimeoutMargin { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long connecting to the socket may take before the call fails as Unavailable.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>ExecSync output is capped at 16 MiB per stream by the runtime; leave room for both.</summary>
    public int MaxReceiveMessageSize { get; init; } = 40 * 1024 * 1024;
}
