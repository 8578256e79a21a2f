namespace Drover.Agent.Network;

/// <summary>
/// What to run to bring the kernel's entries to the desired ones, in order: FDB entries a new peer needs (bridge), then
/// neighbours and routes (ip), then the FDB entries of peers gone (bridge) — a route never points at a VTEP the kernel
/// cannot reach yet. <see cref="Conflicts"/> are the routes left alone because a route that is not ours holds the same
/// destination (the kernel's connected route of a local bridge, an administrator's): ours never replaces one.
/// </summary>
internal sealed record ForwardingChanges(
    IReadOnlyList<ForwardingCommand> FdbAdds,
    IReadOnlyList<ForwardingCommand> IpCommands,
    IReadOnlyList<ForwardingCommand> FdbDeletes,
    IReadOnlyList<string> Conflicts)
{
    public bool IsEmpty => FdbAdds.Count == 0 && IpCommands.Count == 0 && FdbDeletes.Count == 0;
}
