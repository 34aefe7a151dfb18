/**
 * The microphone for SmallWebRTCTransport. Its default (Daily) media manager
 * fetches its engine from a CDN, which an offline install cannot reach; the
 * Wav one asks for `audio: true`. This one asks for the browser's echo
 * cancellation, noise suppression and auto gain explicitly, hands the track to
 * the peer connection and reports the mic level. Bot audio arrives as a remote
 * WebRTC track, played by talkSession.
 */
import type { PipecatClientOptions, RTVIEventCallbacks } from '@pipecat-ai/client-js';

export const MIC_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

export class MicMediaManager {
  readonly supportsScreenShare = false;
  private callbacks: RTVIEventCallbacks = {};
  private micEnabled = true;
  private stream: MediaStream | null = null;
  private context: AudioContext | null = null;
  private meter: ReturnType<typeof setInterval> | undefined;

  setUserAudioCallback(): void {}
  setClientOptions(options: PipecatClientOptions): void {
    this.callbacks = options.callbacks ?? {};
    this.micEnabled = options.enableMic ?? true;
  }

  async initialize(): Promise<void> {
    if (this.stream) return;
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: MIC_CONSTRAINTS });
    this.enableMic(this.micEnabled);
    this.context = new AudioContext();
    const analyser = this.context.createAnalyser();
    analyser.fftSize = 512;
    this.context.createMediaStreamSource(this.stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.meter = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      this.callbacks.onLocalAudioLevel?.(Math.sqrt(sum / samples.length));
    }, 100);
  }
  connect(): Promise<void> {
    return this.initialize();
  }
  async disconnect(): Promise<void> {
    clearInterval(this.meter);
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    await this.context?.close().catch(() => {});
    this.context = null;
  }

  userStartedSpeaking(): void {}
  bufferBotAudio(): void {}
  getAllMics(): Promise<MediaDeviceInfo[]> {
    return Promise.resolve([]);
  }
  getAllCams(): Promise<MediaDeviceInfo[]> {
    return Promise.resolve([]);
  }
  getAllSpeakers(): Promise<MediaDeviceInfo[]> {
    return Promise.resolve([]);
  }
  updateMic(): void {}
  updateCam(): void {}
  updateSpeaker(): void {}
  get selectedMic(): Record<string, never> {
    return {};
  }
  get selectedCam(): Record<string, never> {
    return {};
  }
  get selectedSpeaker(): Record<string, never> {
    return {};
  }
  enableMic(enable: boolean): void {
    this.micEnabled = enable;
    for (const track of this.stream?.getAudioTracks() ?? []) track.enabled = enable;
  }
  enableCam(): void {}
  enableScreenShare(): void {}
  get isMicEnabled(): boolean {
    return this.micEnabled;
  }
  get isCamEnabled(): boolean {
    return false;
  }
  get isSharingScreen(): boolean {
    return false;
  }
  tracks(): { local: { audio?: MediaStreamTrack } } {
    const audio = this.stream?.getAudioTracks()[0];
    return { local: audio ? { audio } : {} };
  }
}
