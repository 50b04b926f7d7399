// Devices, and the process default device (MEREZHA_DEVICE=ref|cpu|cuda, or set_default_device).
// ref and cpu both keep tensors in host memory: moving between them shares the buffer.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace mz {

enum class DeviceType : uint8_t { ref, cpu, cuda };
inline constexpr int kNumDeviceTypes = 3;

struct Device {
  DeviceType type = DeviceType::cpu;
  int index = 0;

  static Device ref() { return {DeviceType::ref, 0}; }
  static Device cpu() { return {DeviceType::cpu, 0}; }
  static Device cuda(int index = 0) { return {DeviceType::cuda, index}; }
  bool is_host() const { return type != DeviceType::cuda; }
  // "ref", "cpu", "cuda:0".
  std::string name() const;
  // Parses "ref", "cpu", "cuda", "cuda:1"; throws ValueError listing the valid names.
  static Device parse(const std::string& name);
  friend bool operator==(const Device&, const Device&) = default;
};
std::ostream& operator<<(std::ostream& out, const Device& device);

// The device new tensors go to; starts as $MEREZHA_DEVICE, else cpu.
Device default_device();
// Throws BackendError when the device's backend is not built in.
void set_default_device(Device device);

// Sets the default device for a scope.
class DeviceGuard {
 public:
  explicit DeviceGuard(Device device) : saved_(default_device()) { set_default_device(device); }
  ~DeviceGuard() { set_default_device(saved_); }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  Device saved_;
};

}  // namespace mz
