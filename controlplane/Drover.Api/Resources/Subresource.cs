namespace Drover.Api;

/// <summary>A subresource as discovery names it: pods/log answers a Pod's log with get; deployments/scale is an autoscaling/v1 Scale.</summary>
public sealed record Subresource(string Name, string Group, string Version, string Kind, IReadOnlyList<string> Verbs);
