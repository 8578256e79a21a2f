using Drover.Api;
using Google.Protobuf;

namespace Drover.ControlPlane.Api.Access.Tests;

public sealed class AccessReviewProtobufTests
{
    /// <summary>What kubectl 1.32's `auth can-i create deployments -n default` sends, built field by field.</summary>
    private static byte[] CanICreateDeployments()
    {
        var attributes = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString("default");
            w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteString("create");
            w.WriteTag(3, WireFormat.WireType.LengthDelimited); w.WriteString("apps");
            w.WriteTag(5, WireFormat.WireType.LengthDelimited); w.WriteString("deployments");
        });
        var spec = Message(w => { w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteBytes(ByteString.CopyFrom(attributes)); });
        var raw = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteBytes(ByteString.Empty);
            w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteBytes(ByteString.CopyFrom(spec));
        });
        var typeMeta = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString("authorization.k8s.io/v1");
            w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteString("SelfSubjectAccessReview");
        });
        var unknown = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteBytes(ByteString.CopyFrom(typeMeta));
            w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteBytes(ByteString.CopyFrom(raw));
        });
        return [.. "k8s\0"u8, .. unknown];
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
            write(output);
        return stream.ToArray();
    }

    [Fact]
    public void ReadAccessReview_KubectlCanI_ReadsTheResourceAttributes()
    {
        var (kind, apiVersion, raw) = AccessReviewProtobuf.ReadEnvelope(CanICreateDeployments());
        var review = AccessReviewProtobuf.ReadAccessReview(raw);

        Assert.Equal(("SelfSubjectAccessReview", "authorization.k8s.io/v1"), (kind, apiVersion));
        Assert.Equal(new AccessResourceAttributes { Namespace = "default", Verb = "create", Group = "apps", Resource = "deployments" }, review.Spec!.ResourceAttributes);
        Assert.Null(review.Spec.NonResourceAttributes);
    }

    [Fact]
    public void ReadEnvelope_EveryTruncation_400OrRead()
    {
        var whole = CanICreateDeployments();
        for (var length = 0; length < whole.Length; length++)
        {
            try
            {
                var (_, _, raw) = AccessReviewProtobuf.ReadEnvelope(whole[..length]);
                _ = AccessReviewProtobuf.ReadAccessReview(raw);
            }
            catch (ApiException e)
            {
                Assert.Equal(400, e.Status.Code);
            }
        }
    }

    /// <summary>What kubectl 1.32's `auth can-i --list -n kube-node-lease` sends (its bytes, as captured).</summary>
    private static byte[] CanIListInKubeNodeLease() => File.ReadAllBytes(Path.Combine(Drover.Testing.RepoPaths.Root, "bench/fuzz/corpus/access-review-protobuf/can-i-list-kube-node-lease"));

    [Fact]
    public void ReadRulesReview_KubectlCanIList_ReadsTheNamespace()
    {
        var (kind, apiVersion, raw) = AccessReviewProtobuf.ReadEnvelope(CanIListInKubeNodeLease());
        var review = AccessReviewProtobuf.ReadRulesReview(raw);

        Assert.Equal(("SelfSubjectRulesReview", "authorization.k8s.io/v1"), (kind, apiVersion));
        Assert.Equal("kube-node-lease", review.Spec!.Namespace);
    }

    [Fact]
    public void ReadRulesReview_EveryTruncation_400OrRead()
    {
        var whole = CanIListInKubeNodeLease();
        for (var length = 0; length < whole.Length; length++)
        {
            try
            {
                var (_, _, raw) = AccessReviewProtobuf.ReadEnvelope(whole[..length]);
                _ = AccessReviewProtobuf.ReadRulesReview(raw);
            }
            catch (ApiException e)
            {
                Assert.Equal(400, e.Status.Code);
            }
        }
    }

    [Fact]
    public void ReadEnvelope_NoMagic_400()
    {
        var e = Assert.Throws<ApiException>(() => AccessReviewProtobuf.ReadEnvelope("{\"kind\":\"x\"}"u8.ToArray()));
        Assert.Equal(400, e.Status.Code);
        Assert.Contains("magic", e.Status.Message, StringComparison.Ordinal);
    }
}
