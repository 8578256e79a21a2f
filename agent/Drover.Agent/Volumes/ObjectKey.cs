using Drover.Api;

namespace Drover.Agent.Volumes;

/// <summary>A ConfigMap or Secret by kind, namespace and name.</summary>
internal readonly record struct ObjectKey(ResourceType Type, string Namespace, string Name);
