namespace Drover.Api.Tests;

public class HorizontalPodAutoscalerValidationTests
{
    private const string Target = "spec.metrics[0].resource.target.";
    private const string Max = "  maxReplicas: 10\n";

    [Theory]
    [InlineData("  maxReplicas: 10", "  maxReplicas: 1", "spec.maxReplicas", FieldErrorType.Invalid)]
    [InlineData("  maxReplicas: 10", "  maxReplicas: 0", "spec.maxReplicas", FieldErrorType.Invalid)]
    [InlineData("  minReplicas: 2", "  minReplicas: 0", "spec.minReplicas", FieldErrorType.Invalid)]
    [InlineData("    - type: Resource", "    - type: Pods", "spec.metrics[0].type", FieldErrorType.NotSupported)]
    [InlineData("        name: cpu", "        name: gpu", "spec.metrics[0].resource.name", FieldErrorType.NotSupported)]
    [InlineData("          averageUtilization: 70", "          averageUtilization: 0", Target + "averageUtilization", FieldErrorType.Invalid)]
    [InlineData("          averageUtilization: 70\n", "", Target + "averageUtilization", FieldErrorType.Required)]
    [InlineData("          type: Utilization\n          averageUtilization: 70\n", "          type: AverageValue\n          averageValue: \"-1\"\n", Target + "averageValue", FieldErrorType.Invalid)]
    [InlineData("          type: Utilization", "          type: Percentage", Target + "type", FieldErrorType.NotSupported)]
    [InlineData("    name: my-app\n", "", "spec.scaleTargetRef.name", FieldErrorType.Required)]
    [InlineData("    kind: Deployment", "    kind: apps/Deployment", "spec.scaleTargetRef.kind", FieldErrorType.Invalid)]
    [InlineData(Max, Max + "  behavior:\n    scaleDown:\n      policies:\n        - {type: Pods, value: 0, periodSeconds: 60}\n", "spec.behavior.scaleDown.policies[0].value", FieldErrorType.Invalid)]
    [InlineData(Max, Max + "  behavior:\n    scaleDown:\n      policies:\n        - {type: Pods, value: 1, periodSeconds: 4000}\n", "spec.behavior.scaleDown.policies[0].periodSeconds", FieldErrorType.Invalid)]
    [InlineData(Max, Max + "  behavior:\n    scaleDown:\n      policies:\n        - {type: Nodes, value: 1, periodSeconds: 60}\n", "spec.behavior.scaleDown.policies[0].type", FieldErrorType.NotSupported)]
    [InlineData(Max, Max + "  behavior:\n    scaleUp:\n      selectPolicy: Random\n", "spec.behavior.scaleUp.selectPolicy", FieldErrorType.NotSupported)]
    [InlineData(Max, Max + "  behavior:\n    scaleUp:\n      stabilizationWindowSeconds: 4000\n", "spec.behavior.scaleUp.stabilizationWindowSeconds", FieldErrorType.Invalid)]
    public void Validate_InvalidHpaVariant_ReportsFieldPath(string find, string replace, string field, FieldErrorType type)
    {
        var errors = Manifests.DefaultAndValidate(Manifests.Patch(Manifests.Hpa, find, replace));

        Manifests.AssertError(errors, field, type);
    }

    [Fact]
    public void Validate_MaxBelowMin_ReadsAsKubernetesMessage()
    {
        var errors = Manifests.DefaultAndValidate(Manifests.Patch(Manifests.Hpa, "  maxReplicas: 10", "  maxReplicas: 1"));

        var error = Assert.Single(errors);
        Assert.Equal("spec.maxReplicas: Invalid value: 1: must be greater than or equal to `minReplicas`", error.ToString());
    }
}
