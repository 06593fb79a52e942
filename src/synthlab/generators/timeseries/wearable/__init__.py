"""Body-worn sensors: placements, subjects, the activity library (data) and the IMU's own
effects (orientation, units, gravity, range, quantisation). `activity.py` puts them
together into the motion an accelerometer and gyroscope on a body would record."""
