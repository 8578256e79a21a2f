namespace Drover.Api.Tests;

/// <summary>
/// Runs manifests through the server's order (YAML → JSON → strict decode → defaults → validation) and
/// edits the seed manifests textually, so each invalid variant is exactly what a user would apply.
/// </summary>
internal static class Manifests
{
    public const string Deployment = "seed-deployment.yaml";
    public const string Service = "seed-service.yaml";
    public const string Ingress = "seed-ingress.yaml";
    public const string Hpa = "seed-hpa.yaml";

    private static readonly Lazy<string> s_examples = new(FindExamples);

    public static string Read(string file) =>
        File.ReadAllText(Path.Combine(s_examples.Value, file)).ReplaceLineEndings("\n");

    public static KubeObject Decode(string yaml) => ObjectDecoder.Decode(YamlToJson.ConvertSingle(yaml));

    public static T Load<T>(string file) where T : KubeObject => Assert.IsType<T>(Decode(Read(file)));

    public static T LoadDefaulted<T>(string file) where T : KubeObject =>
        Assert.IsType<T>(ObjectDefaulter.ApplyDefaults(Load<T>(file)));

    public static IReadOnlyList<FieldError> DefaultAndValidate(string yaml) =>
        ObjectValidator.Validate(ObjectDefaulter.ApplyDefaults(Decode(yaml)));

    /// <summary>The seed with the first occurrence of <paramref name="find"/> replaced; fails if the seed lacks it.</summary>
    public static string Patch(string file, string find, string replace)
    {
        var yaml = Read(file);
        var at = yaml.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' is not in {file}");
        return string.Concat(yaml.AsSpan(0, at), replace, yaml.AsSpan(at + find.Length));
    }

    public static void AssertError(IReadOnlyList<FieldError> errors, string field, FieldErrorType type)
    {
        Assert.True(
            errors.Any(e => e.Field == field && e.Type == type),
            $"expected {type} at {field}; got:\n{string.Join("\n", errors)}");
    }

    public static void AssertNoErrors(IReadOnlyList<FieldError> errors) =>
        Assert.True(errors.Count == 0, "expected no errors; got:\n" + string.Join("\n", errors));

    private static string FindExamples()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples");
            if (File.Exists(Path.Combine(candidate, Deployment)))
                return candidate;
        }
        throw new InvalidOperationException("examples/ with the seed manifests not found above " + AppContext.BaseDirectory);
    }
}
