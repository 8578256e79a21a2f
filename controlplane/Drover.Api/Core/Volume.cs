namespace Drover.Api;

/// <summary>
/// A directory the pod's containers can mount (core/v1 Volume). Exactly one source is set; the agent makes it under
/// the pod's directory on the node and hands its path to the runtime for every mount naming it.
/// </summary>
public sealed record Volume
{
    public string Name { get; init; } = "";
    public EmptyDirVolumeSource? EmptyDir { get; init; }
    public HostPathVolumeSource? HostPath { get; init; }
    public ConfigMapVolumeSource? ConfigMap { get; init; }
    public SecretVolumeSource? Secret { get; init; }
    public DownwardAPIVolumeSource? DownwardAPI { get; init; }
    public ProjectedVolumeSource? Projected { get; init; }
}

public sealed record EmptyDirVolumeSource
{
    /// <summary>"" (the node's disk) or "Memory" (a tmpfs).</summary>
    public string? Medium { get; init; }
    public Quantity? SizeLimit { get; init; }
}

public sealed record HostPathVolumeSource
{
    public string Path { get; init; } = "";
    /// <summary>"", DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice.</summary>
    public string? Type { get; init; }
}

public sealed record KeyToPath
{
    public string Key { get; init; } = "";
    public string Path { get; init; } = "";
    public int? Mode { get; init; }
}

public sealed record ConfigMapVolumeSource
{
    public string? Name { get; init; }
    public List<KeyToPath>? Items { get; init; }
    public int? DefaultMode { get; init; }
    public bool? Optional { get; init; }
}

public sealed record SecretVolumeSource
{
    public string? SecretName { get; init; }
    public List<KeyToPath>? Items { get; init; }
    public int? DefaultMode { get; init; }
    public bool? Optional { get; init; }
}

public sealed record DownwardAPIVolumeSource
{
    public List<DownwardAPIVolumeFile>? Items { get; init; }
    public int? DefaultMode { get; init; }
}

public sealed record DownwardAPIVolumeFile
{
    public string Path { get; init; } = "";
    public ObjectFieldSelector? FieldRef { get; init; }
    public ResourceFieldSelector? ResourceFieldRef { get; init; }
    public int? Mode { get; init; }
}

public sealed record ProjectedVolumeSource
{
    public List<VolumeProjection>? Sources { get; init; }
    public int? DefaultMode { get; init; }
}

public sealed record VolumeProjection
{
    public SecretProjection? Secret { get; init; }
    public ConfigMapProjection? ConfigMap { get; init; }
    public DownwardAPIProjection? DownwardAPI { get; init; }
}

public sealed record SecretProjection
{
    public string? Name { get; init; }
    public List<KeyToPath>? Items { get; init; }
    public bool? Optional { get; init; }
}

public sealed record ConfigMapProjection
{
    public string? Name { get; init; }
    public List<KeyToPath>? Items { get; init; }
    public bool? Optional { get; init; }
}

public sealed record DownwardAPIProjection
{
    public List<DownwardAPIVolumeFile>? Items { get; init; }
}

public sealed record VolumeMount
{
    public string Name { get; init; } = "";
    public string MountPath { get; init; } = "";
    public bool? ReadOnly { get; init; }
    public string? SubPath { get; init; }
    /// <summary>None (default), HostToContainer or Bidirectional.</summary>
    public string? MountPropagation { get; init; }
}
