namespace Drover.Api;

/// <summary>Where an environment variable's value comes from when it is not a literal (core/v1 EnvVarSource).</summary>
public sealed record EnvVarSource
{
    public ObjectFieldSelector? FieldRef { get; init; }
    public ResourceFieldSelector? ResourceFieldRef { get; init; }
    public ConfigMapKeySelector? ConfigMapKeyRef { get; init; }
    public SecretKeySelector? SecretKeyRef { get; init; }
}

public sealed record ObjectFieldSelector
{
    public string? ApiVersion { get; init; }
    public string FieldPath { get; init; } = "";
}

public sealed record ResourceFieldSelector
{
    public string? ContainerName { get; init; }
    public string Resource { get; init; } = "";
    public Quantity? Divisor { get; init; }
}

public sealed record ConfigMapKeySelector
{
    public string? Name { get; init; }
    public string Key { get; init; } = "";
    public bool? Optional { get; init; }
}

public sealed record SecretKeySelector
{
    public string? Name { get; init; }
    public string Key { get; init; } = "";
    public bool? Optional { get; init; }
}

/// <summary>Every key of a ConfigMap or Secret as environment variables (core/v1 EnvFromSource).</summary>
public sealed record EnvFromSource
{
    public string? Prefix { get; init; }
    public ConfigMapEnvSource? ConfigMapRef { get; init; }
    public SecretEnvSource? SecretRef { get; init; }
}

public sealed record ConfigMapEnvSource
{
    public string? Name { get; init; }
    public bool? Optional { get; init; }
}

public sealed record SecretEnvSource
{
    public string? Name { get; init; }
    public bool? Optional { get; init; }
}
