using System.Buffers;
using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Optimus.Runtime.Invocation;
using Optimus.Runtime.Messaging;
using Optimus.Runtime.Serialization;
using Optimus.Runtime.Tests.Grains;
using Optimus.Runtime.Tests.Support;
using Xunit;

namespace Optimus.Runtime.Tests;

/// <summary>The wire format of the message envelope: everything survives a round trip, and bad frames are refused.</summary>
public sealed class MessageCodecTests
{
    [Fact]
    public async Task Request_RoundTrips_WithEveryHeaderAndItsArguments()
    {
        await using var cluster = await Silos.StartAsync();
        var codec = cluster.Services.GetRequiredService<MessageCodec>();
        var method = Method(cluster, nameof(IBehaviourGrain.Mutate));
        var time = TimeProvider.System;
        var original = new Message
        {
            Direction = MessageDirection.Request,
            Id = 1234567890123,
            Flags = MessageFlags.ReadOnly | MessageFlags.FromClient,
            SendingSilo = new SiloAddress("10.0.0.1", 11111, 42),
            SendingGrain = new GrainId("router", "0"),
            TargetSilo = new SiloAddress("10.0.0.2", 11112, 7),
            TargetGrain = new GrainId("behaviour", "k/with/slash"),
            InterfaceName = method.Interface.Name,
            MethodId = method.Id,
            RequestContext = ImmutableDictionary<string, string>.Empty.Add("trace", "t-1").Add("tenant", "ü"),
            CallChainId = Guid.NewGuid(),
            CallPath = [new CallPathEntry(new GrainId("a", "1"), "IA.Run")],
            ExpiresAt = time.GetTimestamp() + (10 * time.TimestampFrequency),
            Method = method,
            Body = new object?[] { new Payload { Name = "p", Values = [1, 2] } },
        };

        var read = RoundTrip(codec, original);
        codec.DecodeRequest(read, codec.Resolve(read)!);

        Assert.Equal(original.Direction, read.Direction);
        Assert.Equal(original.Id, read.Id);
        Assert.Equal(MessageFlags.FromClient, read.Flags); // the sender's ReadOnly claim yields to the receiver's method (Mutate is not)
        Assert.Equal(original.SendingSilo, read.SendingSilo);
        Assert.Equal(original.SendingGrain, read.SendingGrain);
        Assert.Equal(original.TargetSilo, read.TargetSilo);
        Assert.Equal(original.TargetGrain, read.TargetGrain);
        Assert.Same(method, read.Method);
        Assert.Equal(original.RequestContext, read.RequestContext);
        Assert.Equal(original.CallChainId, read.CallChainId);
        Assert.Equal(original.CallPath, read.CallPath);
        Assert.InRange(time.GetElapsedTime(time.GetTimestamp(), read.ExpiresAt).TotalSeconds, 9, 10.1);
        var payload = Assert.IsType<Payload>(Assert.Single((object?[])read.Body!));
        Assert.Equal("p", payload.Name);
        Assert.Equal([1, 2], payload.Values);
    }

    [Fact]
    public async Task GrainReferenceArguments_RoundTrip_AsReferences()
    {
        await using var cluster = await Silos.StartAsync();
        var codec = cluster.Services.GetRequiredService<MessageCodec>();
        var method = Method<IBehaviourGrain>(cluster, nameof(IBehaviourGrain.ReadContext));
        var friend = cluster.Client.GetGrain<IBehaviourGrain>("friend");

        var read = RoundTrip(codec, Request(method, "key", friend));
        codec.DecodeRequest(read, method);

        var arguments = (object?[])read.Body!;
        Assert.Equal("key", arguments[0]);
        Assert.Equal(friend, arguments[1]);
        Assert.IsAssignableFrom<IBehaviourGrain>(arguments[1]);
    }

    [Fact]
    public async Task Responses_RoundTrip_WithValueNothingOrException()
    {
        await using var cluster = await Silos.StartAsync();
        var codec = cluster.Services.GetRequiredService<MessageCodec>();
        var method = Method<IBehaviourGrain>(cluster, nameof(IBehaviourGrain.Count));
        var request = Request(method);

        var value = RoundTrip(codec, request.CreateResponse(Response.FromValue(41)));
        codec.DecodeResponse(value, method);
        Assert.Equal(41, ((Response)value.Body!).Value);

        var empty = RoundTrip(codec, request.CreateResponse(Response.Empty));
        codec.DecodeResponse(empty, method);
        Assert.Null(((Response)empty.Body!).Value);

        var failed = RoundTrip(codec, request.CreateResponse(Response.FromException(new CustomGrainException("bad"))));
        codec.DecodeResponse(failed, method);
        var exception = Assert.IsType<CustomGrainException>(((Response)failed.Body!).Exception);
        Assert.Equal("bad", exception.Message);
    }

    [Fact]
    public async Task ALargeResponse_IsWritten_WithoutAnArrayOfItsOwn()
    {
        await using var cluster = await Silos.StartAsync();
        var codec = cluster.Services.GetRequiredService<MessageCodec>();
        var method = Method<IBehaviourGrain>(cluster, nameof(IBehaviourGrain.Mutate));
        var large = new Payload { Name = new string('x', 200_000), Values = [1, 2] }; // as a thousand values read at once
        var response = Request(method).CreateResponse(Response.FromValue(large));
        var buffer = new ArrayBufferWriter<byte>(400_000);
        codec.Write(response, buffer); // this thread's buffers grow to the size once

        buffer.ResetWrittenCount();
        var before = GC.GetAllocatedBytesForCurrentThread();
        codec.Write(response, buffer);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 10_000, $"writing a 200 kB response allocated {allocated} bytes"); // a large-object array per answer before
        var read = codec.Read(buffer.WrittenSpan);
        codec.DecodeResponse(read, method);
        Assert.Equal(large.Name, Assert.IsType<Payload>(((Response)read.Body!).Value).Name);
    }

    [Fact]
    public async Task AnEncodedMessage_KeepsItsResultOrLastArgumentApart_AndReadsAsWritten()
    {
        await using var cluster = await Silos.StartAsync();
        var codec = cluster.Services.GetRequiredService<MessageCodec>();
        var mutate = Method<IBehaviourGrain>(cluster, nameof(IBehaviourGrain.Mutate));
        var large = new Payload { Name = new string('x', 100_000), Values = [1, 2] };
        var answer = Request(mutate).CreateResponse(Response.FromValue(large));

        byte[] wire;
        using (var encoded = codec.Encode(answer))
        {
            Assert.InRange(encoded.Head.Length, 1, 1_000); // the header and the body's first bytes: the value is the tail
            Assert.Equal(cluster.Services.GetRequiredService<GrainCodec>().SerializeToBytes(large, typeof(Payload)), encoded.Tail.ToArray());
            wire = [.. encoded.Head, .. encoded.Tail];
            Assert.Throws<InvalidOperationException>(() => codec.Encode(answer)); // its buffers are still this one's
        }

        var buffer = new ArrayBufferWriter<byte>();
        codec.Write(answer, buffer);
        Assert.Equal(wire, buffer.WrittenSpan.ToArray());
        var read = codec.Read(wire);
        codec.DecodeResponse(read, mutate);
        Assert.Equal(large.Name, Assert.IsType<Payload>(((Response)read.Body!).Value).Name);

        // A request's last argument is its tail too; one that cannot be serialized fails alone.
        var payload = new Payload { Name = "p", Values = [3] };
        using (var encoded = codec.Encode(Request(mutate, payload)))
        {
            Assert.Equal(cluster.Services.GetRequiredService<GrainCodec>().SerializeToBytes(payload, typeof(Payload)), encoded.Tail.ToArray());
        }

        Assert.ThrowsAny<Exception>(() => codec.Encode(Request(mutate, new object[] { "not a payload" })));
        var next = RoundTrip(codec, Request(mutate, payload)); // the failed one left this thread's buffers free
        codec.DecodeRequest(next, mutate);
        Assert.Equal("p", Assert.IsType<Payload>(((object?[])next.Body!)[0]).Name);

        // Requests of no argument and of two, and a body passed on as it came, read back as they were written.
        var context = Method<IBehaviourGrain>(cluster, nameof(IBehaviourGrain.ReadContext));
        var none = RoundTrip(codec, Request(Method<IBehaviourGrain>(cluster, nameof(IBehaviourGrain.Count))));
        Assert.Equal(1, Assert.IsType<EncodedBody>(none.Body).Bytes.Length); // the count of arguments, 0
        var two = RoundTrip(codec, Request(context, "key", null));
        var relayed = RoundTrip(codec, two);
        foreach (var message in new[] { two, relayed })
        {
            codec.DecodeRequest(message, context);
            Assert.Equal(["key", null], (object?[])message.Body!);
        }
    }

    [Fact]
    public async Task ALargeBody_IsRead_IntoAPooledBuffer_ThatDecodingGivesBack()
    {
        await using var cluster = await Silos.StartAsync();
        var codec = cluster.Services.GetRequiredService<MessageCodec>();
        var method = Method<IBehaviourGrain>(cluster, nameof(IBehaviourGrain.Mutate));
        var large = new Payload { Name = new string('x', 200_000), Values = [1, 2] }; // as a batch of entries
        var request = Request(method, large);
        var buffer = new ArrayBufferWriter<byte>(400_000);
        codec.Write(request, buffer);
        codec.DecodeRequest(codec.Read(buffer.WrittenSpan), method); // the pool has a buffer of the size from now on

        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = codec.Read(buffer.WrittenSpan);
        var encoded = Assert.IsType<EncodedBody>(read.Body);
        codec.DecodeRequest(read, method);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(large.Name, Assert.IsType<Payload>(((object?[])read.Body!)[0]).Name);
        Assert.Throws<ObjectDisposedException>(() => encoded.Bytes.Length); // given back
        // What is left is the decoded name (400 kB of UTF-16); a body of its own was 200 kB more.
        Assert.True(allocated < 450_000, $"reading and decoding a 200 kB request allocated {allocated} bytes");
    }

    [Fact]
    public async Task TruncatedOrForeignFrames_AreRefused()
    {
        await using var cluster = await Silos.StartAsync();
        var codec = cluster.Services.GetRequiredService<MessageCodec>();
        var buffer = new ArrayBufferWriter<byte>();
        codec.Write(Request(Method<IBehaviourGrain>(cluster, nameof(IBehaviourGrain.Count))), buffer);
        var frame = buffer.WrittenSpan.ToArray();

        for (var length = 0; length < frame.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => codec.Read(frame.AsSpan(0, length)));
        }

        frame[0] = 99;
        Assert.Contains("version 99", Assert.Throws<InvalidDataException>(() => codec.Read(frame)).Message, StringComparison.Ordinal);
    }

    private static Message RoundTrip(MessageCodec codec, Message message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        codec.Write(message, buffer);
        return codec.Read(buffer.WrittenSpan);
    }

    private static Message Request(MethodDescriptor method, params object?[] arguments) => new()
    {
        Direction = MessageDirection.Request,
        Id = 1,
        TargetGrain = new GrainId("behaviour", "x"),
        InterfaceName = method.Interface.Name,
        MethodId = method.Id,
        Method = method,
        Body = arguments,
    };

    private static MethodDescriptor Method(Testing.TestCluster cluster, string name) => Method<IBehaviourGrain>(cluster, name);

    private static MethodDescriptor Method<T>(Testing.TestCluster cluster, string name) =>
        cluster.Services.GetRequiredService<InterfaceRegistry>().GetInterface(typeof(T)).Slots.Single(m => m.Method.Name == name);
}
