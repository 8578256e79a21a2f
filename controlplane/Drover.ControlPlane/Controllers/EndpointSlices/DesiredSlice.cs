using Drover.Api;

namespace Drover.ControlPlane.Controllers.EndpointSlices;

/// <summary>One slice a Service should have: its name, the resolved ports its endpoints share, and the endpoints (sorted).</summary>
internal sealed record DesiredSlice(string Name, List<EndpointSlicePort> Ports, List<SliceEndpoint> Endpoints);
