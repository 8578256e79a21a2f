namespace Drover.Agent.Pods.Observed;

/// <summary>
/// Everything CRI has of one pod (the kubelet's kubecontainer.PodStatus): its sandboxes and containers, by the
/// pod-UID label. Immutable: the executor hands back a new one that includes what it changed, so the status
/// after a sync is built without listing again.
/// </summary>
internal sealed record ObservedPod(IReadOnlyList<ObservedSandbox> Sandboxes, IReadOnlyList<ObservedContainer> Containers)
{
    public static ObservedPod Empty { get; } = new([], []);

    /// <summary>The newest ready sandbox: the one the pod's containers run in.</summary>
    public ObservedSandbox? ReadySandbox => Sandboxes.Where(s => s.IsReady).MaxBy(s => s.CreatedAt);

    public ObservedSandbox? NewestSandbox => Sandboxes.MaxBy(s => s.CreatedAt);

    /// <summary>The sandbox whose containers the status reports: the ready one, else the newest (a finished pod's).</summary>
    public ObservedSandbox? CurrentSandbox => ReadySandbox ?? NewestSandbox;

    public ObservedSandbox? Sandbox(string id) => Sandboxes.FirstOrDefault(s => s.Id == id);

    /// <summary>The containers of one name in one sandbox, the latest attempt first.</summary>
    public IReadOnlyList<ObservedContainer> ContainersOf(string sandboxId, string name) =>
        [.. Containers.Where(c => c.SandboxId == sandboxId && c.Name == name).OrderByDescending(c => c.Attempt).ThenByDescending(c => c.CreatedAt)];

    /// <summary>The latest container of one name in any sandbox (a pod's last word when it is torn down).</summary>
    public ObservedContainer? LatestOf(string name) =>
        Containers.Where(c => c.Name == name).OrderByDescending(c => c.Attempt).ThenByDescending(c => c.CreatedAt).FirstOrDefault();

    public ObservedPod With(ObservedContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return this with { Containers = [.. Containers.Where(c => c.Id != container.Id), container] };
    }

    public ObservedPod With(ObservedSandbox sandbox)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        return this with { Sandboxes = [.. Sandboxes.Where(s => s.Id != sandbox.Id), sandbox] };
    }

    public ObservedPod WithoutContainer(string id) => this with { Containers = [.. Containers.Where(c => c.Id != id)] };

    /// <summary>Without the sandbox and the containers in it.</summary>
    public ObservedPod WithoutSandbox(string id) =>
        new([.. Sandboxes.Where(s => s.Id != id)], [.. Containers.Where(c => c.SandboxId != id)]);
}
