using System.Text;
using System.Text.Json;
using Drover.Cli.Explain;

namespace Drover.Cli.Explain.Tests;

/// <summary>
/// The plaintext explanation of a small OpenAPI v3 document built to reach each branch of kubectl's template (refs,
/// allOf, items, additionalProperties, enums, required, a reference cycle). Every expected text is what the real
/// kubectl 1.32.4 printed for the same document, served to it by a stand-in API server on loopback.
/// </summary>
public class PlaintextExplainerTests
{
    private const string Document = """
        {
          "openapi": "3.0.0",
          "paths": {
            "/apis/demo.example/v1/namespaces/{namespace}/widgets": {"get": {"x-kubernetes-group-version-kind": {"group": "demo.example", "kind": "Widget", "version": "v1"}}},
            "/apis/demo.example/v1/namespaces/{namespace}/widgets/{name}": {"get": {"x-kubernetes-group-version-kind": {"group": "demo.example", "kind": "Widget", "version": "v1"}}, "delete": {}},
            "/apis/demo.example/v1/gadgets/{name}": {"put": {"x-kubernetes-group-version-kind": {"group": "demo.example", "kind": "Gadget", "version": "v1"}}}
          },
          "components": {
            "schemas": {
              "example.Gadget": {
                "type": "object",
                "x-kubernetes-group-version-kind": [{"group": "demo.example", "kind": "Gadget", "version": "v1"}],
                "properties": {
                  "loop": {"allOf": [{"$ref": "#/components/schemas/example.Loop"}]},
                  "count": {"type": "number", "enum": [1, 2.5, 1000000, 0.00001, 7]}
                }
              },
              "example.Loop": {
                "description": "Loop refers to itself.",
                "type": "object",
                "properties": {
                  "next": {"allOf": [{"$ref": "#/components/schemas/example.Loop"}], "description": "The next loop."},
                  "value": {"type": "string"}
                }
              },
              "example.Part": {
                "description": "Part is one piece of a widget, with a description long enough that it has to be wrapped at the width kubectl uses for field descriptions.",
                "type": "object",
                "required": ["name"],
                "properties": {
                  "name": {"type": "string", "default": "", "description": "Name of the part."},
                  "weight": {"allOf": [{"$ref": "#/components/schemas/example.Quantity"}], "description": "Weight of the part."}
                }
              },
              "example.Quantity": {"type": "string", "description": "Quantity is a number with a unit."},
              "example.Time": {"type": "string", "format": "date-time", "description": "Time is a point in time."},
              "example.Widget": {
                "description": "Widget is a demo kind.\n\nIt has paragraphs, and lines that are long enough to be wrapped by kubectl at seventy-six characters.",
                "type": "object",
                "x-kubernetes-group-version-kind": [{"group": "demo.example", "kind": "Widget", "version": "v1"}],
                "properties": {
                  "apiVersion": {"type": "string", "description": "APIVersion defines the versioned schema of this representation of an object."},
                  "labels": {"type": "object", "additionalProperties": {"type": "string", "default": ""}, "description": "Labels of the widget."},
                  "spec": {"allOf": [{"$ref": "#/components/schemas/example.WidgetSpec"}], "default": {}, "description": "Spec of the widget."}
                }
              },
              "example.WidgetSpec": {
                "description": "WidgetSpec describes a widget.",
                "type": "object",
                "required": ["size", "parts"],
                "properties": {
                  "byName": {"type": "object", "additionalProperties": {"allOf": [{"$ref": "#/components/schemas/example.Part"}], "default": {}}, "description": "Parts by name."},
                  "created": {"allOf": [{"$ref": "#/components/schemas/example.Time"}], "description": "When the widget was made."},
                  "mode": {"type": "string", "enum": ["", "Fast", "Slow", "Steady", "Stopped"], "description": "Mode of the widget.\n\nPossible enum values:\n - `\"Fast\"` goes fast.\n - `\"Slow\"` goes slow."},
                  "parts": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/example.Part"}], "default": {}}, "description": "Parts of the widget."},
                  "raw": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                  "size": {"type": "integer", "format": "int32", "description": "Size of the widget."}
                }
              }
            }
          }
        }
        """;

    private static string Render(bool recursive, string resource, params string[] fields)
    {
        using var document = JsonDocument.Parse(Document);
        var output = new StringBuilder();
        PlaintextExplainer.Render(document.RootElement, new ExplainTarget("demo.example", "v1", resource, fields), recursive, output);
        return output.ToString();
    }

    // kubectl explain widgets
    [Fact]
    public void Render_Resource_DescriptionWrappedAndFieldsListed() =>
        Assert.Equal(
            "GROUP:      demo.example\n"
            + "KIND:       Widget\n"
            + "VERSION:    v1\n"
            + "\n"
            + "DESCRIPTION:\n"
            + "    Widget is a demo kind.\n"
            + "    \n"
            + "    It has paragraphs, and lines that are long enough to be wrapped by kubectl\n"
            + "    at seventy-six characters.\n"
            + "    \n"
            + "FIELDS:\n"
            + "  apiVersion\t<string>\n"
            + "    APIVersion defines the versioned schema of this representation of an object.\n"
            + "\n"
            + "  labels\t<map[string]string>\n"
            + "    Labels of the widget.\n"
            + "\n"
            + "  spec\t<WidgetSpec>\n"
            + "    Spec of the widget.\n"
            + "\n"
            + "\n",
            Render(false, "widgets"));

    // kubectl explain widgets.spec
    [Fact]
    public void Render_Field_ReferencedKindsDescriptionAfterItsOwn() =>
        Assert.Equal(
            "GROUP:      demo.example\n"
            + "KIND:       Widget\n"
            + "VERSION:    v1\n"
            + "\n"
            + "FIELD: spec <WidgetSpec>\n"
            + "\n"
            + "\n"
            + "DESCRIPTION:\n"
            + "    Spec of the widget.\n"
            + "    WidgetSpec describes a widget.\n"
            + "    \n"
            + "FIELDS:\n"
            + "  byName\t<map[string]Part>\n"
            + "    Parts by name.\n"
            + "\n"
            + "  created\t<string>\n"
            + "    When the widget was made.\n"
            + "\n"
            + "  mode\t<string>\n"
            + "  enum: \"\", Fast, Slow, Steady, ....\n"
            + "    Mode of the widget.\n"
            + "    \n"
            + "    Possible enum values:\n"
            + "     - `\"Fast\"` goes fast.\n"
            + "     - `\"Slow\"` goes slow.\n"
            + "\n"
            + "  parts\t<[]Part> -required-\n"
            + "    Parts of the widget.\n"
            + "\n"
            + "  raw\t<Object>\n"
            + "    <no description>\n"
            + "\n"
            + "  size\t<integer> -required-\n"
            + "    Size of the widget.\n"
            + "\n"
            + "\n",
            Render(false, "widgets", "spec"));

    // kubectl explain widgets.spec.mode
    [Fact]
    public void Render_EnumField_LongViewListsEveryValue() =>
        Assert.Equal(
            "GROUP:      demo.example\n"
            + "KIND:       Widget\n"
            + "VERSION:    v1\n"
            + "\n"
            + "FIELD: mode <string>\n"
            + "ENUM:\n"
            + "    \"\"\n"
            + "    Fast\n"
            + "    Slow\n"
            + "    Steady\n"
            + "    Stopped\n"
            + "\n"
            + "DESCRIPTION:\n"
            + "    Mode of the widget.\n"
            + "    \n"
            + "    Possible enum values:\n"
            + "     - `\"Fast\"` goes fast.\n"
            + "     - `\"Slow\"` goes slow.\n"
            + "    \n"
            + "\n",
            Render(false, "widgets", "spec", "mode"));

    // kubectl explain widgets.spec.parts
    [Fact]
    public void Render_ArrayField_TypedAsListOfItemsKind() =>
        Assert.Equal(
            "GROUP:      demo.example\n"
            + "KIND:       Widget\n"
            + "VERSION:    v1\n"
            + "\n"
            + "FIELD: parts <[]Part>\n"
            + "\n"
            + "\n"
            + "DESCRIPTION:\n"
            + "    Parts of the widget.\n"
            + "    Part is one piece of a widget, with a description long enough that it has to\n"
            + "    be wrapped at the width kubectl uses for field descriptions.\n"
            + "    \n"
            + "FIELDS:\n"
            + "  name\t<string> -required-\n"
            + "    Name of the part.\n"
            + "\n"
            + "  weight\t<string>\n"
            + "    Weight of the part.\n"
            + "\n"
            + "\n",
            Render(false, "widgets", "spec", "parts"));

    // kubectl explain widgets.spec.byName.weight
    [Fact]
    public void Render_MapField_FollowedThroughAdditionalProperties() =>
        Assert.Equal(
            "GROUP:      demo.example\n"
            + "KIND:       Widget\n"
            + "VERSION:    v1\n"
            + "\n"
            + "FIELD: weight <string>\n"
            + "\n"
            + "\n"
            + "DESCRIPTION:\n"
            + "    Weight of the part.\n"
            + "    Quantity is a number with a unit.\n"
            + "    \n"
            + "\n",
            Render(false, "widgets", "spec", "byName", "weight"));

    // kubectl explain widgets.labels
    [Fact]
    public void Render_MapOfStrings_NoFields() =>
        Assert.Equal(
            "GROUP:      demo.example\n"
            + "KIND:       Widget\n"
            + "VERSION:    v1\n"
            + "\n"
            + "FIELD: labels <map[string]string>\n"
            + "\n"
            + "\n"
            + "DESCRIPTION:\n"
            + "    Labels of the widget.\n"
            + "    \n"
            + "\n",
            Render(false, "widgets", "labels"));

    // kubectl explain widgets --recursive
    [Fact]
    public void Render_Recursive_NestedNamesWithEnumsAndRequired() =>
        Assert.Equal(
            "GROUP:      demo.example\n"
            + "KIND:       Widget\n"
            + "VERSION:    v1\n"
            + "\n"
            + "DESCRIPTION:\n"
            + "    Widget is a demo kind.\n"
            + "    \n"
            + "    It has paragraphs, and lines that are long enough to be wrapped by kubectl\n"
            + "    at seventy-six characters.\n"
            + "    \n"
            + "FIELDS:\n"
            + "  apiVersion\t<string>\n"
            + "  labels\t<map[string]string>\n"
            + "  spec\t<WidgetSpec>\n"
            + "    byName\t<map[string]Part>\n"
            + "      name\t<string> -required-\n"
            + "      weight\t<string>\n"
            + "    created\t<string>\n"
            + "    mode\t<string>\n"
            + "    enum: \"\", Fast, Slow, Steady, ....\n"
            + "    parts\t<[]Part> -required-\n"
            + "      name\t<string> -required-\n"
            + "      weight\t<string>\n"
            + "    raw\t<Object>\n"
            + "    size\t<integer> -required-\n"
            + "\n",
            Render(true, "widgets"));

    // kubectl explain gadgets --recursive
    [Fact]
    public void Render_RecursiveReferenceCycle_StopsAtTheRepeatedReference() =>
        Assert.Equal(
            "GROUP:      demo.example\n"
            + "KIND:       Gadget\n"
            + "VERSION:    v1\n"
            + "\n"
            + "DESCRIPTION:\n"
            + "    <empty>\n"
            + "FIELDS:\n"
            + "  count\t<number>\n"
            + "  enum: 1, 2.5, 1e+06, 1e-05, ....\n"
            + "  loop\t<Loop>\n"
            + "    next\t<Loop>\n"
            + "    value\t<string>\n"
            + "\n",
            Render(true, "gadgets"));

    // kubectl explain gadgets.count
    [Fact]
    public void Render_NumericEnum_PrintedAsGoPrintsFloats() =>
        Assert.Equal(
            "GROUP:      demo.example\n"
            + "KIND:       Gadget\n"
            + "VERSION:    v1\n"
            + "\n"
            + "FIELD: count <number>\n"
            + "ENUM:\n"
            + "    1\n"
            + "    2.5\n"
            + "    1e+06\n"
            + "    1e-05\n"
            + "    7\n"
            + "\n"
            + "DESCRIPTION:\n"
            + "    <empty>\n"
            + "\n",
            Render(false, "gadgets", "count"));

    // kubectl explain gadgets.loop.next.next
    [Fact]
    public void Render_SelfReferencingField_FollowedAsFarAsAsked() =>
        Assert.Equal(
            "GROUP:      demo.example\n"
            + "KIND:       Gadget\n"
            + "VERSION:    v1\n"
            + "\n"
            + "FIELD: next <Loop>\n"
            + "\n"
            + "\n"
            + "DESCRIPTION:\n"
            + "    The next loop.\n"
            + "    Loop refers to itself.\n"
            + "    \n"
            + "FIELDS:\n"
            + "  next\t<Loop>\n"
            + "    The next loop.\n"
            + "\n"
            + "  value\t<string>\n"
            + "    <no description>\n"
            + "\n"
            + "\n",
            Render(false, "gadgets", "loop", "next", "next"));

    [Theory]
    [InlineData("gadgets", "loop.nope", "nope")]
    [InlineData("widgets", "spec.nope.deeper", "deeper")]
    public void Render_UnknownField_HeaderWrittenThenKubectlsErrorNamingTheLastField(string resource, string path, string named)
    {
        using var document = JsonDocument.Parse(Document);
        var output = new StringBuilder();

        var error = Assert.Throws<CliException>(() => PlaintextExplainer.Render(document.RootElement, new ExplainTarget("demo.example", "v1", resource, path.Split('.')), false, output));

        Assert.Equal($"error: field \"{named}\" does not exist", error.Message);
        Assert.Matches(@"^GROUP:      demo\.example\nKIND:       \w+\nVERSION:    v1\n\n$", output.ToString());
    }

    [Fact]
    public void Render_ResourceWithoutPaths_KubectlsGvrError()
    {
        var error = Assert.Throws<CliException>(() => Render(false, "gizmos"));

        Assert.Equal("error: GVR (demo.example/v1, Resource=gizmos) not found in OpenAPI schema", error.Message);
    }

    [Fact]
    public void Render_KindWithoutSchema_KubectlsGvkError()
    {
        const string document = """
            {"paths": {"/api/v1/things": {"get": {"x-kubernetes-group-version-kind": {"group": "", "kind": "Thing", "version": "v1"}}}},
             "components": {"schemas": {}}}
            """;
        using var parsed = JsonDocument.Parse(document);
        var output = new StringBuilder();

        var error = Assert.Throws<CliException>(() => PlaintextExplainer.Render(parsed.RootElement, new ExplainTarget("", "v1", "things", []), false, output));

        Assert.Equal("error: GVK map[group: kind:Thing version:v1] not found in OpenAPI schema", error.Message);
        Assert.Equal("KIND:       Thing\nVERSION:    v1\n\n", output.ToString());
    }

    [Fact]
    public void Render_DescriptionReferenceCycle_RefusedAtTheDepthLimit()
    {
        const string document = """
            {"paths": {"/api/v1/things": {"get": {"x-kubernetes-group-version-kind": {"group": "", "kind": "Thing", "version": "v1"}}}},
             "components": {"schemas": {
               "Thing": {"x-kubernetes-group-version-kind": [{"group": "", "kind": "Thing", "version": "v1"}], "allOf": [{"$ref": "#/components/schemas/Loop"}]},
               "Loop": {"description": "again", "allOf": [{"$ref": "#/components/schemas/Loop"}]}}}}
            """;
        using var parsed = JsonDocument.Parse(document);

        var error = Assert.Throws<CliException>(() => PlaintextExplainer.Render(parsed.RootElement, new ExplainTarget("", "v1", "things", []), false, new StringBuilder()));

        Assert.Contains($"deeper than {PlaintextExplainer.MaxDepth} levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RecursiveFanOutOfReferences_RefusedAtTheOutputLimit()
    {
        // Level i has two fields of level i+1's type: 2^30 lines under --recursive, none of them a cycle.
        var schemas = new StringBuilder();
        const int levels = 30;
        for (var i = 0; i < levels; i++)
        {
            var next = i + 1 < levels ? $$"""{"allOf": [{"$ref": "#/components/schemas/L{{i + 1}}"}]}""" : """{"type": "string"}""";
            var gvk = i == 0 ? """ "x-kubernetes-group-version-kind": [{"group": "", "kind": "Thing", "version": "v1"}], """ : "";
            schemas.Append($"\"L{i}\": {{ {gvk} \"properties\": {{\"a\": {next}, \"b\": {next}}} }},");
        }
        var document = """
            {"paths": {"/api/v1/things": {"get": {"x-kubernetes-group-version-kind": {"group": "", "kind": "Thing", "version": "v1"}}}},
             "components": {"schemas": {
            """ + schemas.ToString().TrimEnd(',') + "}}}";
        using var parsed = JsonDocument.Parse(document);

        var error = Assert.Throws<CliException>(() => PlaintextExplainer.Render(parsed.RootElement, new ExplainTarget("", "v1", "things", []), true, new StringBuilder()));

        Assert.Contains($"longer than {PlaintextExplainer.MaxOutputChars} characters", error.Message, StringComparison.Ordinal);
    }
}
