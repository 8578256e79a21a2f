namespace Drover.Api;

/// <summary>
/// Pod volumes and container volume mounts (Kubernetes ValidateVolumes, ValidateVolumeMounts). Beyond Kubernetes,
/// counts are bounded: every volume is a directory (or a tmpfs) the agent makes and every item a file it writes.
/// </summary>
internal static class VolumeValidation
{
    public const int MaxVolumes = 256;
    public const int MaxItems = 1024;
    public const int MaxProjectedSources = 64;
    public const int MaxPathLength = 4096;

    /// <summary>Octal 0777: Kubernetes' bound on file modes.</summary>
    public const int MaxMode = 511;

    private static readonly string[] Media = ["", "Memory"];
    private static readonly string[] HostPathTypes = ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"];
    private static readonly string[] Propagations = ["None", "HostToContainer", "Bidirectional"];

    /// <summary>Validates the volumes; returns the valid names (mounts are checked against them).</summary>
    public static HashSet<string> ValidateVolumes(List<Volume>? volumes, string path, IReadOnlyCollection<string> containerNames, ErrorList errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (volumes is null)
            return names;
        if (volumes.Count > MaxVolumes)
        {
            errors.TooMany(path, volumes.Count, MaxVolumes);
            return names;
        }
        for (var i = 0; i < volumes.Count; i++)
        {
            var at = $"{path}[{i}]";
            var volume = volumes[i];
            if (volume is null)
            {
                errors.Required(at);
                continue;
            }
            var name = volume.Name ?? "";
            if (name.Length == 0)
                errors.Required(at + ".name");
            else if (NameRules.Dns1123Label(name) is { } problem)
                errors.Invalid(at + ".name", name, problem);
            else if (!names.Add(name))
                errors.Duplicate(at + ".name", name);
            ValidateSource(volume, at, containerNames, errors);
        }
        return names;
    }

    private static void ValidateSource(Volume volume, string path, IReadOnlyCollection<string> containerNames, ErrorList errors)
    {
        var sources = 0;
        if (volume.EmptyDir is { } emptyDir)
        {
            sources++;
            if (emptyDir.Medium is { } medium && Array.IndexOf(Media, medium) < 0)
                errors.NotSupported(path + ".emptyDir.medium", medium, Media);
            if (emptyDir.SizeLimit is { } limit && limit < Quantity.Zero)
                errors.Invalid(path + ".emptyDir.sizeLimit", limit.ToString(), "must be greater than or equal to 0");
        }
        if (volume.HostPath is { } hostPath)
        {
            sources++;
            var at = path + ".hostPath";
            if (string.IsNullOrEmpty(hostPath.Path))
                errors.Required(at + ".path");
            else if (PathProblem(hostPath.Path, mustBeRelative: false) is { } problem)
                errors.Invalid(at + ".path", hostPath.Path, problem);
            if (hostPath.Type is { } type && Array.IndexOf(HostPathTypes, type) < 0)
                errors.NotSupported(at + ".type", type, HostPathTypes);
        }
        if (volume.ConfigMap is { } configMap)
        {
            sources++;
            var at = path + ".configMap";
            ObjectName(configMap.Name, at + ".name", errors);
            Items(configMap.Items, at + ".items", errors);
            Mode(configMap.DefaultMode, at + ".defaultMode", errors);
        }
        if (volume.Secret is { } secret)
        {
            sources++;
            var at = path + ".secret";
            ObjectName(secret.SecretName, at + ".secretName", errors);
            Items(secret.Items, at + ".items", errors);
            Mode(secret.DefaultMode, at + ".defaultMode", errors);
        }
        if (volume.DownwardAPI is { } downward)
        {
            sources++;
            var at = path + ".downwardAPI";
            DownwardItems(downward.Items, at + ".items", containerNames, errors);
            Mode(downward.DefaultMode, at + ".defaultMode", errors);
        }
        if (volume.Projected is { } projected)
        {
            sources++;
            Projected(projected, path + ".projected", containerNames, errors);
        }
        if (sources == 0)
            errors.Required(path, "must specify a volume type");
        else if (sources > 1)
            errors.Forbidden(path, "may not specify more than 1 volume type");
    }

    private static void Projected(ProjectedVolumeSource projected, string path, IReadOnlyCollection<string> containerNames, ErrorList errors)
    {
        Mode(projected.DefaultMode, path + ".defaultMode", errors);
        if (projected.Sources is not { } sources)
            return;
        if (sources.Count > MaxProjectedSources)
        {
            errors.TooMany(path + ".sources", sources.Count, MaxProjectedSources);
            return;
        }
        // Two sources writing one file would make its content depend on their order.
        var files = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sources.Count; i++)
        {
            var at = $"{path}.sources[{i}]";
            var source = sources[i];
            if (source is null)
            {
                errors.Required(at);
                continue;
            }
            var kinds = 0;
            if (source.Secret is { } secret)
            {
                kinds++;
                ObjectName(secret.Name, at + ".secret.name", errors);
                Items(secret.Items, at + ".secret.items", errors, files);
            }
            if (source.ConfigMap is { } configMap)
            {
                kinds++;
                ObjectName(configMap.Name, at + ".configMap.name", errors);
                Items(configMap.Items, at + ".configMap.items", errors, files);
            }
            if (source.DownwardAPI is { } downward)
            {
                kinds++;
                DownwardItems(downward.Items, at + ".downwardAPI.items", containerNames, errors, files);
            }
            if (kinds == 0)
                errors.Required(at, "must specify exactly 1 of secret, configMap or downwardAPI");
            else if (kinds > 1)
                errors.Forbidden(at, "may not specify more than 1 volume projection type");
        }
    }

    private static void ObjectName(string? name, string path, ErrorList errors)
    {
        if (string.IsNullOrEmpty(name))
            errors.Required(path);
        else if (NameRules.Dns1123Subdomain(name) is { } problem)
            errors.Invalid(path, name, problem);
    }

    private static void Items(List<KeyToPath>? items, string path, ErrorList errors, HashSet<string>? files = null)
    {
        files ??= new HashSet<string>(StringComparer.Ordinal);
        errors.EachItem(items, path, MaxItems, (item, at) =>
        {
            if (string.IsNullOrEmpty(item.Key))
                errors.Required(at + ".key");
            else if (NameRules.ConfigKey(item.Key) is { } keyProblem)
                errors.Invalid(at + ".key", item.Key, keyProblem);
            FilePath(item.Path, at + ".path", files, errors);
            Mode(item.Mode, at + ".mode", errors);
        });
    }

    private static void DownwardItems(List<DownwardAPIVolumeFile>? items, string path, IReadOnlyCollection<string> containerNames, ErrorList errors, HashSet<string>? files = null)
    {
        files ??= new HashSet<string>(StringComparer.Ordinal);
        errors.EachItem(items, path, MaxItems, (item, at) =>
        {
            FilePath(item.Path, at + ".path", files, errors);
            Mode(item.Mode, at + ".mode", errors);
            if (item.FieldRef is not null && item.ResourceFieldRef is not null)
                errors.Invalid(at, "", "fieldRef and resourceFieldRef can not be specified simultaneously");
            else if (item.FieldRef is { } fieldRef)
                EnvValidation.FieldRef(fieldRef, at + ".fieldRef", EnvValidation.VolumeFieldPaths, errors);
            else if (item.ResourceFieldRef is { } resourceRef)
                EnvValidation.ResourceFieldRef(resourceRef, at + ".resourceFieldRef", containerNames, containerRequired: true, errors);
            else
                errors.Required(at, "one of fieldRef and resourceFieldRef is required");
        });
    }

    private static void FilePath(string? file, string path, HashSet<string> files, ErrorList errors)
    {
        if (string.IsNullOrEmpty(file))
            errors.Required(path);
        else if (PathProblem(file, mustBeRelative: true) is { } problem)
            errors.Invalid(path, file, problem);
        else if (file.StartsWith("..", StringComparison.Ordinal))
            // The atomic writer's own names (..data, ..2026_…) start so.
            errors.Invalid(path, file, "must not start with '..'");
        else if (!files.Add(file))
            errors.Duplicate(path, file);
    }

    private static void Mode(int? mode, string path, ErrorList errors)
    {
        if (mode is { } value && value is < 0 or > MaxMode)
            errors.Invalid(path, value, "must be a number between 0 and 0777 (octal), both inclusive");
    }

    /// <summary>Kubernetes' validateLocalDescendingPath and validatePathNoBacksteps, with a length bound and no NUL.</summary>
    internal static string? PathProblem(string value, bool mustBeRelative)
    {
        if (value.Length > MaxPathLength)
            return $"must be no more than {MaxPathLength} characters";
        if (value.Contains('\0'))
            return "must not contain a NUL character";
        if (mustBeRelative && value.StartsWith('/'))
            return "must be a relative path";
        foreach (var segment in value.Split('/'))
        {
            if (segment == "..")
                return "must not contain '..'";
        }
        return null;
    }

    /// <summary>One container's mounts: each names a volume of the pod, mount paths are unique.</summary>
    public static void ValidateMounts(List<VolumeMount>? mounts, string path, HashSet<string> volumes, ErrorList errors)
    {
        if (mounts is null)
            return;
        if (mounts.Count > MaxVolumes)
        {
            errors.TooMany(path, mounts.Count, MaxVolumes);
            return;
        }
        var mountPaths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < mounts.Count; i++)
        {
            var at = $"{path}[{i}]";
            var mount = mounts[i];
            if (mount is null)
            {
                errors.Required(at);
                continue;
            }
            if (string.IsNullOrEmpty(mount.Name))
                errors.Required(at + ".name");
            else if (!volumes.Contains(mount.Name))
                errors.NotFound(at + ".name", mount.Name);
            if (string.IsNullOrEmpty(mount.MountPath))
                errors.Required(at + ".mountPath");
            else if (PathProblem(mount.MountPath, mustBeRelative: false) is { } problem)
                errors.Invalid(at + ".mountPath", mount.MountPath, problem);
            else if (!mount.MountPath.StartsWith('/'))
                // The runtime resolves a relative target against nothing defined; Kubernetes leaves it to the runtime.
                errors.Invalid(at + ".mountPath", mount.MountPath, "must be an absolute path");
            else if (!mountPaths.Add(mount.MountPath.TrimEnd('/')))
                errors.Invalid(at + ".mountPath", mount.MountPath, "must be unique");
            if (!string.IsNullOrEmpty(mount.SubPath) && PathProblem(mount.SubPath, mustBeRelative: true) is { } subProblem)
                errors.Invalid(at + ".subPath", mount.SubPath, subProblem);
            if (mount.MountPropagation is { } propagation)
            {
                if (Array.IndexOf(Propagations, propagation) < 0)
                    errors.NotSupported(at + ".mountPropagation", propagation, Propagations);
                else if (propagation == "Bidirectional")
                    // Kubernetes allows it to privileged containers only; Drover runs none.
                    errors.Forbidden(at + ".mountPropagation", "Bidirectional mount propagation is available only to privileged containers");
            }
        }
    }
}
