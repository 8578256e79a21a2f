namespace Drover.Api.Tests;

/// <summary>DaemonSet defaulting and validation as Kubernetes' apps/v1 does them.</summary>
public class DaemonSetValidationTests
{
    private const string DaemonSet = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: collector
          namespace: default
        spec:
          selector:
            matchLabels: {app: collector}
          template:
            metadata:
              labels: {app: collector}
            spec:
              containers:
                - name: collector
                  image: collector:1
        """;

    [Fact]
    public void ApplyDefaults_Bare_RollingUpdateOneUnavailableNoSurge()
    {
        var ds = (DaemonSet)ObjectDefaulter.ApplyDefaults(Manifests.Decode(DaemonSet));

        Assert.Equal("RollingUpdate", ds.Spec.UpdateStrategy!.Type);
        Assert.Equal((new IntOrString(1), new IntOrString(0)), (ds.Spec.UpdateStrategy.RollingUpdate!.MaxUnavailable!.Value, ds.Spec.UpdateStrategy.RollingUpdate.MaxSurge!.Value));
        Assert.Equal(10, ds.Spec.RevisionHistoryLimit);
        Assert.Equal("Always", ds.Spec.Template.Spec.RestartPolicy);
        Manifests.AssertNoErrors(ObjectValidator.Validate(ds));
    }

    [Theory]
    [InlineData("  template:", "  updateStrategy: {type: Sometimes}\n  template:", "spec.updateStrategy.type", FieldErrorType.NotSupported)]
    [InlineData("  template:", "  updateStrategy: {type: OnDelete, rollingUpdate: {maxSurge: 1}}\n  template:", "spec.updateStrategy.rollingUpdate", FieldErrorType.Forbidden)]
    [InlineData("  template:", "  updateStrategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 1}}\n  template:", "spec.updateStrategy.rollingUpdate.maxSurge", FieldErrorType.Invalid)]
    [InlineData("  template:", "  updateStrategy: {rollingUpdate: {maxUnavailable: 0}}\n  template:", "spec.updateStrategy.rollingUpdate.maxUnavailable", FieldErrorType.Invalid)]
    [InlineData("  template:", "  updateStrategy: {rollingUpdate: {maxUnavailable: 120%}}\n  template:", "spec.updateStrategy.rollingUpdate.maxUnavailable", FieldErrorType.Invalid)]
    [InlineData("  template:", "  minReadySeconds: -1\n  template:", "spec.minReadySeconds", FieldErrorType.Invalid)]
    [InlineData("      containers:", "      restartPolicy: OnFailure\n      containers:", "spec.template.spec.restartPolicy", FieldErrorType.NotSupported)]
    [InlineData("      labels: {app: collector}", "      labels: {app: other}", "spec.template.metadata.labels", FieldErrorType.Invalid)]
    public void Validate_BadField_ErrorNamesIt(string find, string replace, string field, FieldErrorType type)
    {
        var yaml = DaemonSet.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(DaemonSet, yaml);

        Manifests.AssertError(Manifests.DefaultAndValidate(yaml), field, type);
    }

    [Fact]
    public void DaemonSetRevisions_Template_RoundTripsThroughTheRevisionData()
    {
        var ds = (DaemonSet)ObjectDefaulter.ApplyDefaults(Manifests.Decode(DaemonSet));
        var revision = new ControllerRevision { Metadata = new ObjectMeta { Name = "collector-1" }, Revision = 1, Data = DaemonSetRevisions.Data(ds.Spec.Template) };

        Assert.Equal("replace", revision.Data!.Value.GetProperty("spec").GetProperty("template").GetProperty("$patch").GetString());
        Assert.Equal("collector:1", DaemonSetRevisions.TemplateOf(revision)!.Spec.Containers[0].Image);
        Assert.Null(DaemonSetRevisions.TemplateOf(revision with { Data = null }));
    }
}
