// Device names and the process default device.
#include "mz/core/device.h"

#include <cstdlib>
#include <ostream>

#include "mz/core/error.h"

namespace mz {
namespace detail {
bool backend_available(DeviceType type);  // backend/registry.cpp
}

std::string Device::name() const {
  switch (type) {
    case DeviceType::ref: return "ref";
    case DeviceType::cpu: return "cpu";
    case DeviceType::cuda: return str("cuda:", index);
  }
  return "?";
}

Device Device::parse(const std::string& name) {
  if (name == "ref") return ref();
  if (name == "cpu") return cpu();
  if (name == "cuda") return cuda();
  if (name.rfind("cuda:", 0) == 0) {
    char* end = nullptr;
    long index = std::strtol(name.c_str() + 5, &end, 10);
    if (end && *end == '\0' && end != name.c_str() + 5 && index >= 0)
      return cuda(static_cast<int>(index));
  }
  throw ValueError(str("Device: unknown device \"", name,
                       "\": expected one of \"ref\", \"cpu\", \"cuda\", \"cuda:N\"."));
}

std::ostream& operator<<(std::ostream& out, const Device& device) { return out << device.name(); }

namespace {
Device initial_device() {
  const char* env = std::getenv("MEREZHA_DEVICE");
  if (!env || !*env) return Device::cpu();
  try {
    return Device::parse(env);
  } catch (const ValueError& e) {
    throw ValueError(str("MEREZHA_DEVICE: ", e.what()));
  }
}
Device& default_device_slot() {
  static Device device = initial_device();
  return device;
}
}  // namespace

Device default_device() { return default_device_slot(); }

void set_default_device(Device device) {
  if (!detail::backend_available(device.type))
    throw BackendError(str("set_default_device: merezha was built without ",
                           device.type == DeviceType::cuda ? "CUDA" : device.name(),
                           " (or no such device is present): cannot use ", device, "."));
  default_device_slot() = device;
}

}  // namespace mz
