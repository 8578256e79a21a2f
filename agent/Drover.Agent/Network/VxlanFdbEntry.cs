using System.Net;

namespace Drover.Agent.Network;

/// <summary>A permanent forwarding entry of the VXLAN device: frames for a peer's VTEP MAC go in UDP to its InternalIP.</summary>
internal sealed record VxlanFdbEntry(string Mac, IPAddress Destination);
