namespace Drover.Api;

/// <summary>
/// Kubernetes SetDefaults_ConfigMapVolumeSource, _SecretVolumeSource, _DownwardAPIVolumeSource,
/// _ProjectedVolumeSource, _HostPathVolumeSource and _ObjectFieldSelector. New records only; the input is shared.
/// </summary>
internal static class VolumeDefaults
{
    /// <summary>0644: files the owner may write and everyone may read, Kubernetes' VolumeDefaultMode.</summary>
    public const int DefaultMode = 420;

    public static Volume Apply(Volume volume) => volume with
    {
        HostPath = volume.HostPath is { Type: null } hostPath ? hostPath with { Type = "" } : volume.HostPath,
        ConfigMap = volume.ConfigMap is { DefaultMode: null } configMap ? configMap with { DefaultMode = DefaultMode } : volume.ConfigMap,
        Secret = volume.Secret is { DefaultMode: null } secret ? secret with { DefaultMode = DefaultMode } : volume.Secret,
        DownwardAPI = volume.DownwardAPI is { } downward
            ? downward with { DefaultMode = downward.DefaultMode ?? DefaultMode, Items = PodDefaults.Map(downward.Items, ApplyToFile) }
            : null,
        Projected = volume.Projected is { } projected
            ? projected with { DefaultMode = projected.DefaultMode ?? DefaultMode, Sources = PodDefaults.Map(projected.Sources, ApplyToProjection) }
            : null,
    };

    public static EnvVar ApplyToEnv(EnvVar env) =>
        env.ValueFrom?.FieldRef is { } fieldRef ? env with { ValueFrom = env.ValueFrom with { FieldRef = ApplyToFieldRef(fieldRef) } } : env;

    private static VolumeProjection ApplyToProjection(VolumeProjection projection) =>
        projection.DownwardAPI is { } downward
            ? projection with { DownwardAPI = downward with { Items = PodDefaults.Map(downward.Items, ApplyToFile) } }
            : projection;

    private static DownwardAPIVolumeFile ApplyToFile(DownwardAPIVolumeFile file) =>
        file.FieldRef is { } fieldRef ? file with { FieldRef = ApplyToFieldRef(fieldRef) } : file;

    private static ObjectFieldSelector ApplyToFieldRef(ObjectFieldSelector fieldRef) =>
        fieldRef.ApiVersion is null ? fieldRef with { ApiVersion = "v1" } : fieldRef;
}
